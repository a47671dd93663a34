// A C++ exception thrown in one shared library and caught in the program.
#include <cstdio>
#include <stdexcept>
extern "C" int lib_throw(int n);
int main()
{
	int caught = 0;
	for (int i = 0; i < 6; i++) {
		try {
			lib_throw(i);
		} catch (const std::out_of_range &e) {
			std::printf("caught: %s\n", e.what());
			caught++;
		}
	}
	std::printf("%d caught\n", caught);
	return 0;
}
