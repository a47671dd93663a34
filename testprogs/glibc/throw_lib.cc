// Throws from inside a shared library; the program catches it.
#include <stdexcept>
#include <string>
extern "C" int lib_throw(int n)
{
	if (n > 3)
		throw std::out_of_range("thrown in libthrow.so: " + std::to_string(n));
	return n;
}
