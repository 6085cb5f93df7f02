/*
 * fuzz_recipe.c - libFuzzer target owning the recipe reader (recipe/: the INI line
 * reader, ${param} substitution and typed parameters, validation with the ftrace
 * filter grammar, kprobe args, event references) and the analysis built from a recipe
 * (analyze/analysis.c tb_analysis_new).  Input: the recipe text, then optionally a NUL
 * byte and command-line assignments ("size=8k"), one per line; loaded as `run` loads
 * it and, with the input's length odd, as `check` does (TB_RECIPE_LOAD_CHECK).
 */
#include "fuzz-common.h"
#include "recipe/recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	char *text = fuzz_strndup(data, nul ? (size_t)(nul - data) : size);
	struct strlist assign = STRLIST_INIT, errors = STRLIST_INIT;
	struct tb_recipe r;
	struct tb_analysis_opts aopts = { NULL, 0 };
	int loaded;

	if (!text)
		return 0;
	if (nul) {
		const uint8_t *p = nul + 1, *end = data + size;

		while (p < end) {
			const uint8_t *e = memchr(p, '\n', (size_t)(end - p));
			size_t n = e ? (size_t)(e - p) : (size_t)(end - p);

			if (strlist_add_n(&assign, (const char *)p, n) < 0)
				goto out;
			p += n + 1;
		}
	}
	memset(&r, 0, sizeof(r));
	loaded = tb_recipe_load_ex("fuzz.recipe", text, nul ? &assign : NULL,
				   (size & 1) ? TB_RECIPE_LOAD_CHECK : 0, &errors, &r) == 0;
	if (loaded) {
		struct tb_analysis *an = tb_analysis_new(&r, &aopts);

		tb_analysis_free(an);
		tb_recipe_free(&r);
	}
out:
	strlist_clear(&assign);
	strlist_clear(&errors);
	free(text);
	tb_intern_reset();
	return 0;
}
