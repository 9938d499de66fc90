/* parallel.c: a fork-join loop over parts (see parallel.h), with POSIX threads. */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

unsigned parallel_threads(void) {
    const char *env = getenv("SAMTAL_THREADS");
    if (env && *env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (*end == '\0' && n >= 1 && n <= MAX_THREADS) return (unsigned)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

typedef struct job {
    void (*fn)(void *arg, unsigned part);
    void *arg;
    unsigned nparts;
    atomic_uint next; /* the next part to take */
} job;

static void *worker(void *p) {
    job *j = p;
    for (unsigned part; (part = atomic_fetch_add(&j->next, 1)) < j->nparts;)
        j->fn(j->arg, part);
    return NULL;
}

void parallel_run(unsigned nparts, void (*fn)(void *arg, unsigned part), void *arg) {
    job j = {.fn = fn, .arg = arg, .nparts = nparts};
    atomic_init(&j.next, 0);
    unsigned nthreads = parallel_threads();
    if (nthreads > nparts) nthreads = nparts;
    pthread_t threads[MAX_THREADS];
    unsigned started = 0;
    for (unsigned t = 1; t < nthreads; t++) /* the caller is thread 0 */
        if (pthread_create(&threads[started], NULL, worker, &j) == 0) started++;
    worker(&j);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
}
