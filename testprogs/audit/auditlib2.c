/* libauditlib2.so: what auditprog gets when it asks for "libauditalias.so" (module A's
 * la_objsearch changes the name). */
int audit_second(int a) { return a * 7; }
