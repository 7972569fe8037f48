/*
 * Exchanges two paths with renameat2(RENAME_EXCHANGE) in a loop until it has run for the
 * given number of milliseconds: the attack of issue 12 (a directory on the way swapped for
 * a symlink while keyturn writes). Prints the number of exchanges made.
 * Usage: swapper A B MILLISECONDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  long long end = now_ms() + atoll(argv[3]);
  long long swaps = 0;
  printf("started\n");
  fflush(stdout);
  while (now_ms() < end) {
    for (int i = 0; i < 1000; i++) {
      if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) != 0) {
        perror("renameat2");
        return 1;
      }
      swaps++;
    }
  }
  /* An even count leaves both paths as they were. */
  if (swaps % 2) syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
  printf("%lld\n", swaps);
  return 0;
}
