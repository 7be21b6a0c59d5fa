# The agent as a Linux process on a TAP interface: same firmware code, POSIX platform.
set(PORTCULLIS_PLATFORM posix)

# Lab boards run a discard/echo service on each allowed port so scans can see them.
set(PORTCULLIS_LAB_SERVICES 1)
