# Ordinary programs built against glibc, for the glibc personality (issue 3). The system
# loader runs them today; the e2e tests compare ld-mmld.so against it once it can.
TPG := $(TP)/glibc
$(TPG)/%: testprogs/glibc/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $< -lpthread -ldl
$(TPG)/%: testprogs/glibc/%.cc
	@mkdir -p $(dir $@)
	g++ -O2 -g -Wall -Wextra -Werror -o $@ $<
TP_GLIBC := $(TPG)/hello $(TPG)/threads $(TPG)/throw
