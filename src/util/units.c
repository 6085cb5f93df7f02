/*
 * units.c - durations and sizes; see units.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "util/units.h"

int tb_parse_duration(const char *s, uint64_t *ns)
{
	static const struct { const char *sfx; double mul; } u[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "sec", 1e9 }, { "ms", 1e6 }, { "us", 1e3 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 }, { "d", 86400e9 },
	};
	char *end;
	double v;
	size_t i;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -1;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (!strcmp(end, u[i].sfx)) {
			double r = v * u[i].mul;

			if (r > 1.8e19)
				return -1;
			*ns = (uint64_t)(r + 0.5);
			return 0;
		}
	}
	return -1;
}

int tb_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': mul = 1ULL << 10; end++; break;
	case 'M': mul = 1ULL << 20; end++; break;
	case 'G': mul = 1ULL << 30; end++; break;
	case 'B': break;
	default: return -1;
	}
	if (*end && strcasecmp(end, "b") && strcasecmp(end, "ib"))
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*bytes = v * mul;
	return 0;
}

char *tb_fmt_duration(uint64_t ns, char *buf, size_t size)
{
	/* whole seconds and minutes are rounded, so 99.999999999 s reads 1m40s */
	uint64_t s = ns / 1000000000ULL + (ns % 1000000000ULL >= 500000000ULL);
	uint64_t m = s / 60 + (s % 60 >= 30);

	if (ns < 1000000ULL)
		snprintf(buf, size, "%lluus", (unsigned long long)(ns / 1000));
	else if (ns < 1000000000ULL)
		snprintf(buf, size, "%llums", (unsigned long long)(ns / 1000000));
	else if (ns < 59950000000ULL)
		snprintf(buf, size, "%.1fs", (double)ns / 1e9);
	else if (s < 3600 - 30)
		snprintf(buf, size, "%llum%02llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%lluh%02llum", (unsigned long long)(m / 60),
			 (unsigned long long)(m % 60));
	return buf;
}

char *tb_fmt_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, size, "%.1f %s", v, unit[i]);
	return buf;
}
