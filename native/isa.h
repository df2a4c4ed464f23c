/*
 * Instruction-set levels of the kernels. Each hot loop has one version per level, chosen at every call from
 * `mlsd_isa` (the best level this CPU runs, or the one MLSD_ISA / setIsa forces), so every path can be
 * tested for equality and benchmarked on any machine that runs it. All levels give the same bits: they
 * differ only in vector width, never in the order or kind of float operations (no FMA, -ffp-contract=off).
 */
#ifndef MLSD_NATIVE_ISA_H
#define MLSD_NATIVE_ISA_H

typedef enum { ISA_BASELINE = 0, ISA_NEON = 1, ISA_AVX2 = 2, ISA_AVX512 = 3 } isa_t;

/* The level the kernels use now. */
extern isa_t mlsd_isa;

/* Function attributes for code compiled at a level above the build's baseline. A body written once as an
 * always-inline function and called from wrappers with these attributes is compiled (and auto-vectorised)
 * at each level. GCC and clang both accept target attributes; NEON is arm64's baseline. */
#if defined(__x86_64__)
#define MLSD_X86 1
#define MLSD_TARGET_AVX2 __attribute__((target("avx2")))
#define MLSD_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2")))
#elif defined(__aarch64__)
#define MLSD_ARM64 1
#endif
#define MLSD_INLINE static inline __attribute__((always_inline))

#endif
