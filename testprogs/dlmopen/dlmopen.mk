# dlmopen and link-map namespaces (issue 8): a program and the libraries it puts into namespaces
# of their own, each with its own libc.so.6. tests/e2e/dlmopen.sh runs them through ld-mmld.so
# and through the system loader and compares.
TPN := $(TP)/dlmopen
$(TPN)/libnsdep.so: testprogs/dlmopen/ns_dep.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libnsdep.so
$(TPN)/libnsbigtls.so: testprogs/dlmopen/ns_bigtls.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libnsbigtls.so
$(TPN)/libnsmod.so: testprogs/dlmopen/ns_mod.c $(TPN)/libnsdep.so
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libnsmod.so -Wl,-rpath,'$$ORIGIN' \
		-Wl,--no-as-needed $(TPN)/libnsdep.so
NS_LIBS := $(TPN)/libnsmod.so $(TPN)/libnsdep.so $(TPN)/libnsbigtls.so
$(TPN)/ns_main: testprogs/dlmopen/ns_main.c $(NS_LIBS)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
# The same with ld-mmld.so as PT_INTERP: started by the kernel, listed by gdb.
$(TPN)/ns_main-interp: testprogs/dlmopen/ns_main.c $(NS_LIBS)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread -Wl,--dynamic-linker=$(abspath $(RTLD))
TP_DLMOPEN := $(NS_LIBS) $(TPN)/ns_main $(TPN)/ns_main-interp
