/* parallel.h: run independent parts of one job on the machine's cores.
 *
 * The core stays single-threaded everywhere except inside a call that hands parts to
 * parallel_run: each part writes only memory of its own (its slice of an output, its own
 * counters), so no part needs a lock, and the caller merges the parts after the call in a fixed
 * order, which makes every result identical to the single-threaded one. */
#ifndef SAMTAL_PARALLEL_H
#define SAMTAL_PARALLEL_H

/* The number of threads a job may use: the SAMTAL_THREADS environment variable if it is a
 * number from 1 to 64, else the online processors (at most 64). */
unsigned parallel_threads(void);

/* Calls fn(arg, part) once for every part in 0..nparts-1, on up to parallel_threads() threads
 * (the calling thread is one of them), and returns when every part has returned. Parts are
 * taken in order from a shared counter. If a thread cannot be started its parts run on the
 * others, so the job always completes. */
void parallel_run(unsigned nparts, void (*fn)(void *arg, unsigned part), void *arg);

#endif
