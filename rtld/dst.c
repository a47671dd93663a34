#include "dst.h"
#include "lib/string.h"

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Length of token `name` at p (after '$'), 0 if p does not start with it. */
static size_t token_len(const char *p, size_t avail, const char *name)
{
	size_t n = strlen(name);
	if (avail >= n + 2 && p[0] == '{' && strncmp(p + 1, name, n) == 0 && p[n + 1] == '}')
		return n + 2;
	if (avail >= n && strncmp(p, name, n) == 0 && (avail == n || !is_name_char(p[n])))
		return n;
	return 0;
}

int dst_expand(const char *in, size_t inlen, const struct dst_values *v, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < inlen;) {
		const char *val = NULL;
		size_t skip = 0;
		if (in[i] == '$') {
			const char *p = in + i + 1;
			size_t avail = inlen - i - 1;
			if ((skip = token_len(p, avail, "ORIGIN")))
				val = v->origin;
			else if ((skip = token_len(p, avail, "LIB")))
				val = v->lib;
			else if ((skip = token_len(p, avail, "PLATFORM")))
				val = v->platform;
			else
				return -1;
			if (!val)
				return -1;
			size_t n = strlen(val);
			if (o + n >= outlen)
				return -1;
			memcpy(out + o, val, n);
			o += n;
			i += 1 + skip;
			continue;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = in[i++];
	}
	if (o >= outlen)
		return -1;
	out[o] = 0;
	return (int)o;
}
