# loader/: the mmld command (hosted: libc, and libelf for the ELF readers).
MMLD := $(BUILD)/mmld
LOADER_SRCS := $(wildcard loader/*.c)
LOADER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LOADER_SRCS))
LOADER_CFLAGS := $(WARN) -D_GNU_SOURCE

$(BUILD)/loader/%.o: loader/%.c $(wildcard loader/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(LOADER_CFLAGS) -c $< -o $@

$(MMLD): $(LOADER_OBJS)
	@echo "  LD      $@"
	@$(CC) -o $@ $(LOADER_OBJS) -lelf

loader: $(MMLD)
