/*
 * static-nodl.c - the static field build loads no shared object at run time.
 *
 * libtraceevent's plugin loader (tep_load_plugins) is linked in with the library even
 * though tracebook never calls it, and it would dlopen() plugins built for the build
 * host's glibc.  In the static build (TB_STATIC_BUILD) these definitions take the
 * place of glibc's libdl entry points, so glibc's dlopen is not linked at all and
 * anything that still asks for a shared object gets NULL and this error.
 * tests/build/static.sh asserts both (nm: no glibc dlopen; strace: no .so opened).
 * The other builds are dynamic and use the system's libdl.
 */
#ifdef TB_STATIC_BUILD
#include <stddef.h>
#include <dlfcn.h>

static const char nodl_error[] = "tracebook's static build loads no shared objects";

void *dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

void *dlsym(void *handle, const char *name)
{
	(void)handle;
	(void)name;
	return NULL;
}

int dlclose(void *handle)
{
	(void)handle;
	return 0;
}

char *dlerror(void)
{
	return (char *)nodl_error;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int tb_static_nodl_unused;
#endif
