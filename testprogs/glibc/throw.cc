// A C++ exception thrown and caught: the unwinder finds its tables through the loader.
#include <cstdio>
#include <stdexcept>
#include <string>
static int depth(int n)
{
	if (n == 0)
		throw std::runtime_error("bottom reached");
	return depth(n - 1) + 1;
}
int main()
{
	try {
		depth(5);
	} catch (const std::exception &e) {
		std::printf("caught: %s\n", e.what());
		return 0;
	}
	return 1;
}
