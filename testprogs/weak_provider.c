int optional_hook(void) { return 1234; }
int optional_data = 5;
