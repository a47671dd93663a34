# What a process finds at its start (tests/e2e/exec.sh: the kernel's exec against mmld exec),
# in each shape a program can have: dynamic PIE and fixed-address, static, static PIE, an
# executable stack, and ld-mmld.so as PT_INTERP.
TPX := $(TP)/exec
STARTSTATE := $(TPX)/startstate $(TPX)/startstate-nopie $(TPX)/startstate-static $(TPX)/startstate-static-pie \
	$(TPX)/startstate-execstack $(TPX)/startstate-interp
STARTSTATE_FLAGS_startstate := -pie
STARTSTATE_FLAGS_startstate-nopie := -no-pie
STARTSTATE_FLAGS_startstate-static := -static
STARTSTATE_FLAGS_startstate-static-pie := -static-pie
STARTSTATE_FLAGS_startstate-execstack := -pie -Wl,-z,execstack
STARTSTATE_FLAGS_startstate-interp := -pie $(INTERP_MMLD)
$(STARTSTATE): $(TPX)/%: testprogs/exec/startstate.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $(STARTSTATE_FLAGS_$*) -o $@ $<
TP_ALL += $(STARTSTATE)
