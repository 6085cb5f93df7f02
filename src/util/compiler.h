/*
 * compiler.h - the compiler hints the code uses, in one place (gcc and clang, back to
 * the old toolchains the field build meets, both understand them).
 */
#ifndef TB_UTIL_COMPILER_H
#define TB_UTIL_COMPILER_H

/*
 * A function inlined wherever it is called, whatever the compiler's size estimate
 * says: only for small per-event steps where a measurement showed the call costs
 * (each use says what it saved).
 */
#define TB_ALWAYS_INLINE inline __attribute__((always_inline))

#endif
