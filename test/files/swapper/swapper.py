# The swapper of swapper.c for machines without a C compiler: renameat2 through libc.
import ctypes, os, sys, time

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
a, b, ms = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2]), int(sys.argv[3])
end = time.monotonic() + ms / 1000
swaps = 0
print("started", flush=True)
while time.monotonic() < end:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
    swaps += 1
if swaps % 2:
    libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
print(swaps, flush=True)
