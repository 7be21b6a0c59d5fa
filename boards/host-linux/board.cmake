# The agent as a Linux process on a TAP interface: same firmware code, POSIX platform.
set(PORTCULLIS_PLATFORM posix)
