# Objects named by /etc/ld.so.preload in tests/e2e/preload.sh (a private mount namespace puts
# the file in place); the program is testprogs' deps.
TP_PRELOAD_DIR := $(TP)/preload
PRELOAD_NAMES := one two three four
$(foreach n,$(PRELOAD_NAMES),$(eval $(call tp_lib,preload/libpre_$(n).so,preload/preload_lib.c,,-DWHO='"$(n)"')))
