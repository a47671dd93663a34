/* One copy per subdirectory it is installed in; WHICH names the subdirectory. */
const char *hwcapsel_which(void) { return WHICH; }
