/* libauditnover.so: no la_version: not an audit module (reported and ignored). */
int not_an_auditor(void) { return 0; }
