/* ELF and auxiliary-vector definitions for a freestanding linker.
 *
 * We may use only the compiler's headers and the kernel's ELF/auxv definitions, so the
 * GNU extensions and x86-64 relocation numbers the kernel header lacks are added here
 * (values from the System V x86-64 psABI and the GNU gABI extensions). */
#ifndef MMLD_ELFDEFS_H
#define MMLD_ELFDEFS_H

#include <stdint.h>
#include <stddef.h>
#include <linux/elf.h>
#include <linux/auxvec.h>

#ifndef PT_GNU_PROPERTY
#define PT_GNU_PROPERTY 0x6474e553
#endif
#ifndef ELFOSABI_GNU
#define ELFOSABI_GNU 3
#endif
#ifndef EM_X86_64
#define EM_X86_64 62
#endif

/* Dynamic tags beyond the kernel header. */
#ifndef DT_RUNPATH
#define DT_RUNPATH 29
#endif
#ifndef DT_FLAGS
#define DT_FLAGS 30
#endif
#ifndef DT_PREINIT_ARRAY
#define DT_PREINIT_ARRAY 32
#ifndef DT_PREINIT_ARRAYSZ
#define DT_PREINIT_ARRAYSZ 33
#endif
#endif
#ifndef DT_BIND_NOW
#define DT_BIND_NOW 24
#endif
#ifndef DT_INIT_ARRAY
#define DT_INIT_ARRAY 25
#endif
#ifndef DT_FINI_ARRAY
#define DT_FINI_ARRAY 26
#endif
#ifndef DT_INIT_ARRAYSZ
#define DT_INIT_ARRAYSZ 27
#endif
#ifndef DT_FINI_ARRAYSZ
#define DT_FINI_ARRAYSZ 28
#endif
#ifndef DT_RELRSZ
#define DT_RELRSZ 35
#endif
#ifndef DT_RELR
#define DT_RELR 36
#endif
#ifndef DT_RELRENT
#define DT_RELRENT 37
#endif
#ifndef DT_NUM_DIRECT
#define DT_NUM_DIRECT 38 /* tags below this index have l_info[tag] (glibc's DT_NUM) */
#endif
#ifndef DT_GNU_HASH
#define DT_GNU_HASH 0x6ffffef5
#endif
#ifndef DT_TLSDESC_PLT
#define DT_TLSDESC_PLT 0x6ffffef6
#endif
#ifndef DT_TLSDESC_GOT
#define DT_TLSDESC_GOT 0x6ffffef7
#endif
#ifndef DT_VERSYM
#define DT_VERSYM 0x6ffffff0
#endif
#ifndef DT_RELACOUNT
#define DT_RELACOUNT 0x6ffffff9
#endif
#ifndef DT_RELCOUNT
#define DT_RELCOUNT 0x6ffffffa
#endif
#ifndef DT_FLAGS_1
#define DT_FLAGS_1 0x6ffffffb
#endif
#ifndef DT_VERDEF
#define DT_VERDEF 0x6ffffffc
#endif
#ifndef DT_VERDEFNUM
#define DT_VERDEFNUM 0x6ffffffd
#endif
#ifndef DT_VERNEED
#define DT_VERNEED 0x6ffffffe
#endif
#ifndef DT_VERNEEDNUM
#define DT_VERNEEDNUM 0x6fffffff
#endif
#ifndef DT_AUXILIARY
#define DT_AUXILIARY 0x7ffffffd
#endif
#ifndef DT_FILTER
#define DT_FILTER 0x7fffffff
#endif

/* DT_FLAGS and DT_FLAGS_1 bits. */
#ifndef DF_ORIGIN
#define DF_ORIGIN 0x1
#endif
#ifndef DF_SYMBOLIC
#define DF_SYMBOLIC 0x2
#endif
#ifndef DF_TEXTREL
#define DF_TEXTREL 0x4
#endif
#ifndef DF_BIND_NOW
#define DF_BIND_NOW 0x8
#endif
#ifndef DF_STATIC_TLS
#define DF_STATIC_TLS 0x10
#endif
#ifndef DF_1_NOW
#define DF_1_NOW 0x1
#endif
#ifndef DF_1_GLOBAL
#define DF_1_GLOBAL 0x2
#endif
#ifndef DF_1_NODELETE
#define DF_1_NODELETE 0x8
#endif
#ifndef DF_1_INITFIRST
#define DF_1_INITFIRST 0x20
#endif
#ifndef DF_1_NOOPEN
#define DF_1_NOOPEN 0x40
#endif
#ifndef DF_1_ORIGIN
#define DF_1_ORIGIN 0x80
#endif
#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

/* Symbols. */
#ifndef STB_GNU_UNIQUE
#define STB_GNU_UNIQUE 10
#endif
#ifndef STT_GNU_IFUNC
#define STT_GNU_IFUNC 10
#endif
#ifndef STT_TLS
#define STT_TLS 6
#endif
#ifndef STV_DEFAULT
#define STV_DEFAULT 0
#endif
#ifndef STV_INTERNAL
#define STV_INTERNAL 1
#endif
#ifndef STV_HIDDEN
#define STV_HIDDEN 2
#endif
#ifndef STV_PROTECTED
#define STV_PROTECTED 3
#endif
#define SYM_BIND(i) ((i) >> 4)
#define SYM_TYPE(i) ((i) & 0xf)
#define SYM_VIS(o) ((o) & 0x3)

/* Symbol versioning. */
typedef struct {
	uint16_t vd_version, vd_flags, vd_ndx, vd_cnt;
	uint32_t vd_hash, vd_aux, vd_next;
} Elf64_Verdef;
typedef struct {
	uint32_t vda_name, vda_next;
} Elf64_Verdaux;
typedef struct {
	uint16_t vn_version, vn_cnt;
	uint32_t vn_file, vn_aux, vn_next;
} Elf64_Verneed;
typedef struct {
	uint32_t vna_hash;
	uint16_t vna_flags, vna_other;
	uint32_t vna_name, vna_next;
} Elf64_Vernaux;
#ifndef VER_FLG_BASE
#define VER_FLG_BASE 0x1
#endif
#ifndef VER_FLG_WEAK
#define VER_FLG_WEAK 0x2
#endif
#ifndef VER_NDX_LOCAL
#define VER_NDX_LOCAL 0
#endif
#ifndef VER_NDX_GLOBAL
#define VER_NDX_GLOBAL 1
#endif
#ifndef VERSYM_HIDDEN
#define VERSYM_HIDDEN 0x8000
#endif
#ifndef VERSYM_INDEX
#define VERSYM_INDEX 0x7fff
#endif

/* x86-64 relocation types (psABI). */
#ifndef R_X86_64_NONE
#define R_X86_64_NONE 0
#endif
#ifndef R_X86_64_64
#define R_X86_64_64 1
#endif
#ifndef R_X86_64_PC32
#define R_X86_64_PC32 2
#endif
#ifndef R_X86_64_GOT32
#define R_X86_64_GOT32 3
#endif
#ifndef R_X86_64_PLT32
#define R_X86_64_PLT32 4
#endif
#ifndef R_X86_64_COPY
#define R_X86_64_COPY 5
#endif
#ifndef R_X86_64_GLOB_DAT
#define R_X86_64_GLOB_DAT 6
#endif
#ifndef R_X86_64_JUMP_SLOT
#define R_X86_64_JUMP_SLOT 7
#endif
#ifndef R_X86_64_RELATIVE
#define R_X86_64_RELATIVE 8
#endif
#ifndef R_X86_64_GOTPCREL
#define R_X86_64_GOTPCREL 9
#endif
#ifndef R_X86_64_32
#define R_X86_64_32 10
#endif
#ifndef R_X86_64_32S
#define R_X86_64_32S 11
#endif
#ifndef R_X86_64_16
#define R_X86_64_16 12
#endif
#ifndef R_X86_64_PC16
#define R_X86_64_PC16 13
#endif
#ifndef R_X86_64_8
#define R_X86_64_8 14
#endif
#ifndef R_X86_64_PC8
#define R_X86_64_PC8 15
#endif
#ifndef R_X86_64_DTPMOD64
#define R_X86_64_DTPMOD64 16
#endif
#ifndef R_X86_64_DTPOFF64
#define R_X86_64_DTPOFF64 17
#endif
#ifndef R_X86_64_TPOFF64
#define R_X86_64_TPOFF64 18
#endif
#ifndef R_X86_64_TLSGD
#define R_X86_64_TLSGD 19
#endif
#ifndef R_X86_64_TLSLD
#define R_X86_64_TLSLD 20
#endif
#ifndef R_X86_64_DTPOFF32
#define R_X86_64_DTPOFF32 21
#endif
#ifndef R_X86_64_GOTTPOFF
#define R_X86_64_GOTTPOFF 22
#endif
#ifndef R_X86_64_TPOFF32
#define R_X86_64_TPOFF32 23
#endif
#ifndef R_X86_64_PC64
#define R_X86_64_PC64 24
#endif
#ifndef R_X86_64_GOTOFF64
#define R_X86_64_GOTOFF64 25
#endif
#ifndef R_X86_64_GOTPC32
#define R_X86_64_GOTPC32 26
#endif
#ifndef R_X86_64_SIZE32
#define R_X86_64_SIZE32 32
#endif
#ifndef R_X86_64_SIZE64
#define R_X86_64_SIZE64 33
#endif
#ifndef R_X86_64_GOTPC32_TLSDESC
#define R_X86_64_GOTPC32_TLSDESC 34
#endif
#ifndef R_X86_64_TLSDESC_CALL
#define R_X86_64_TLSDESC_CALL 35
#endif
#ifndef R_X86_64_TLSDESC
#define R_X86_64_TLSDESC 36
#endif
#ifndef R_X86_64_IRELATIVE
#define R_X86_64_IRELATIVE 37
#endif
#ifndef R_X86_64_RELATIVE64
#define R_X86_64_RELATIVE64 38
#endif
#define R_SYM(i) ((uint32_t)((i) >> 32))
#define R_TYPE(i) ((uint32_t)((i) & 0xffffffff))

/* Auxiliary vector entries the kernel header may not name. */
#ifndef AT_FPUCW
#define AT_FPUCW 18
#endif
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#ifndef AT_RSEQ_ALIGN
#define AT_RSEQ_ALIGN 28
#endif
#endif
#ifndef AT_HWCAP2
#define AT_HWCAP2 26
#endif
#ifndef AT_SYSINFO_EHDR
#define AT_SYSINFO_EHDR 33
#endif
#ifndef AUX_MAX
/* aux[] indexes entries below this: up to AT_MINSIGSTKSZ, the highest the loader reads (each
 * process has its own R: 8 bytes an index) */
#define AUX_MAX (AT_MINSIGSTKSZ + 1)
#endif

/* An auxiliary vector entry (the kernel writes pairs of 64-bit words). */
typedef struct {
	uint64_t a_type;
	union {
		uint64_t a_val;
	} a_un;
} Elf64_auxv_t;
#ifndef MMLD_ELFDEFS_END
#endif

#endif
