# testprogs/relcache: for tests/e2e/relcache.sh.
$(TP)/relcache/window: testprogs/relcache/window.c testprogs/deps_main.c $(NOLIBC_NOPIE) $(TP)/libdep_a.so $(TP)/libdep_b.so
	@mkdir -p $(dir $@)
	$(CC) $(TP_NOPIE) -no-pie -o $@ $< $(NOLIBC_NOPIE) $(TP_LINK) -Wl,-rpath,'$$ORIGIN/..' \
		-Wl,--section-start=.window=0x200000000000 $(TP)/libdep_a.so $(TP)/libdep_b.so
TP_ALL += $(TP)/relcache/window
$(TP)/relcache/dlfail: testprogs/relcache/dlfail.c $(TPG)/libdl_a.so $(TPG)/libdl_undef.so
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -ldl -Wl,-rpath,'$$ORIGIN/../glibc'
TP_ALL += $(TP)/relcache/dlfail
$(TP)/relcache/libwrites.so: testprogs/relcache/writes_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -shared -fPIC -o $@ $<
$(TP)/relcache/writes: testprogs/relcache/writes.c $(TP)/relcache/libwrites.so
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -L$(TP)/relcache -lwrites -Wl,-rpath,'$$ORIGIN'
TP_ALL += $(TP)/relcache/libwrites.so $(TP)/relcache/writes
$(TP)/relcache/libifunc_local.so: testprogs/relcache/ifunc_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -shared -fPIC -DNAME=report_local -o $@ $<
$(TP)/relcache/libifunc_global.so: testprogs/relcache/ifunc_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -shared -fPIC -DGLOBAL -DNAME=report_global -o $@ $<
$(TP)/relcache/ifunc: testprogs/relcache/ifunc.c $(TP)/relcache/libifunc_local.so $(TP)/relcache/libifunc_global.so
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -ldl -Wl,-rpath,'$$ORIGIN'
TP_ALL += $(TP)/relcache/libifunc_local.so $(TP)/relcache/libifunc_global.so $(TP)/relcache/ifunc
