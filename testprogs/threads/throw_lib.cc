// Frames of another object for the exceptions of throw_race to unwind through.
extern "C" __attribute__((noinline)) int lib_call(int (*f)(int), int x)
{
	int r = f(x);
	return r + 1; // not a tail call: this frame stays on the stack
}
