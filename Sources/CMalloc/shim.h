#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's allocator controls (malloc_trim, mallopt), part of the C library itself: nothing to link.
#include <malloc.h>
#endif
