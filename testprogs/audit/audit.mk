# rtld-audit (issue 8): audit modules, the program they audit and its libraries; sotruss is
# glibc's own module. tests/e2e/audit.sh runs them through ld-mmld.so and the system loader.
TPA := $(TP)/audit
$(TPA)/libauditlog-a.so: testprogs/audit/auditlog.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -DTAG='"A"' -o $@ $< -Wl,-soname,libauditlog-a.so
$(TPA)/libauditlog-b.so: testprogs/audit/auditlog.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -DTAG='"B"' -o $@ $< -Wl,-soname,libauditlog-b.so
$(TPA)/lib%.so: testprogs/audit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,$(notdir $@)
AUDIT_LIBS := $(TPA)/libauditlog-a.so $(TPA)/libauditlog-b.so $(TPA)/libauditlib.so $(TPA)/libauditlib2.so \
	$(TPA)/libauditns.so $(TPA)/libauditdecline.so $(TPA)/libauditnover.so $(TPA)/libauditfind.so
# Lazy binding (the program's PLT is what la_pltenter sees), libraries found through $ORIGIN.
$(TPA)/auditprog: testprogs/audit/auditprog.c $(AUDIT_LIBS)
	$(CC) $(GLIBC_CFLAGS) -fplt -o $@ $< -Wl,-z,lazy -Wl,-rpath,'$$ORIGIN' $(TPA)/libauditlib.so -ldl
$(TPA)/auditprog-interp: testprogs/audit/auditprog.c $(AUDIT_LIBS)
	$(CC) $(GLIBC_CFLAGS) -fplt -o $@ $< -Wl,-z,lazy -Wl,-rpath,'$$ORIGIN' $(TPA)/libauditlib.so -ldl \
		-Wl,--dynamic-linker=$(abspath $(RTLD))
TP_AUDIT := $(AUDIT_LIBS) $(TPA)/auditprog $(TPA)/auditprog-interp
