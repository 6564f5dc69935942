#ifndef CBLAS_SHIM_H
#define CBLAS_SHIM_H
/* Debian's libopenblas-dev puts cblas.h in an openblas-pthread folder that pkg-config adds to the path. */
#include <cblas.h>
#endif
