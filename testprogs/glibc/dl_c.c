int next_target(void) { return 3; }
int c_only(void) { return 30; }
