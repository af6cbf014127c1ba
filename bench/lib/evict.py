"""Drops a file's pages from the page cache: python3 bench/lib/evict.py FILE...

Benchmarks that report peak RSS run this on the engine binary right after
building it. The kernel may keep a file it has just seen written, or one
mapped for a long time, in large folios that it then maps into a process
whole, so a freshly built binary showed up to 40 MiB more resident (clean,
shared text pages) than the same binary read back from disk, as an
installed one is. Evicting it once gives every measured run the installed
binary's page layout. Needs no privileges.
"""
import os
import sys

for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
