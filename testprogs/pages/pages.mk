# Known answers for mmld pages (tests/e2e/pages.sh): a library with one page per fate, and a
# program; lazy binding on (-z lazy), calls through the PLT (-fplt).
TPP := $(TP)/pages
PAGES_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fplt -Wl,-z,lazy
$(TPP)/libpages.so: testprogs/pages/pages_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(PAGES_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libpages.so
$(TPP)/pages: testprogs/pages/pages_main.c $(TPP)/libpages.so
	$(CC) $(PAGES_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPP)/libpages.so
TP_ALL += $(TPP)/libpages.so $(TPP)/pages
