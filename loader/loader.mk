# loader/: the mmld command (hosted: libc, and libelf for the ELF readers).
MMLD := $(BUILD)/mmld
LOADER_SRCS := $(wildcard loader/*.c)
LOADER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LOADER_SRCS))
# Shared with ld-mmld.so: the relocation cache's checksum and names (mmld cache).
LOADER_RTLD_OBJS := $(BUILD)/hosted/rtld/siphash.o $(BUILD)/hosted/rtld/imagesum.o $(BUILD)/hosted/rtld/relcache_sum.o
LOADER_CFLAGS := $(WARN) -D_GNU_SOURCE -DMMLD_VERSION=\"$(VERSION)\"

$(BUILD)/loader/%.o: loader/%.c $(wildcard loader/*.h) rtld/relcache_format.h Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(LOADER_CFLAGS) -c $< -o $@

$(MMLD): $(LOADER_OBJS) $(LOADER_RTLD_OBJS)
	@echo "  LD      $@"
	@$(CC) -o $@ $(LOADER_OBJS) $(LOADER_RTLD_OBJS) -lelf

loader: $(MMLD)

# mmld exec's stub (loader/exec-stub/): freestanding like rtld/, with rtld/'s syscalls,
# formatting and header checks, linked static at an address no program asks for, so the
# program and its interpreter can go where the kernel would put them.
EXEC_STUB := $(BUILD)/mmld-exec-stub
EXEC_STUB_SRCS := $(wildcard loader/exec-stub/*.c) loader/shebang.c rtld/elfcheck.c rtld/lib/format.c rtld/lib/string.c rtld/lib/alloc.c
EXEC_STUB_OBJS := $(patsubst %.c,$(BUILD)/exec-stub/%.o,$(EXEC_STUB_SRCS)) $(BUILD)/exec-stub/loader/exec-stub/start.o
EXEC_STUB_CFLAGS := $(WARN) -fPIE -ffreestanding -fno-builtin -fno-stack-protector -fno-tree-loop-distribute-patterns \
	-fcf-protection=none -ffunction-sections -fdata-sections -I rtld
EXEC_STUB_ADDR := 0x300000000000

$(BUILD)/exec-stub/%.o: %.c loader/shebang.h $(wildcard loader/exec-stub/*.h rtld/*.h rtld/lib/*.h rtld/include/*.h) Makefile loader/loader.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $< (exec stub)"
	@$(CC) $(EXEC_STUB_CFLAGS) -c $< -o $@

$(BUILD)/exec-stub/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) -c $< -o $@

$(EXEC_STUB): $(EXEC_STUB_OBJS)
	@echo "  LD      $@"
	@$(CC) -nostdlib -static -no-pie -Wl,-Ttext-segment=$(EXEC_STUB_ADDR) -Wl,--gc-sections -Wl,-z,noexecstack \
		-Wl,-e,_start -o $@ $(EXEC_STUB_OBJS) -lgcc
loader: $(EXEC_STUB)
