/*
 * workload.c - PLACEHOLDER for the bench workload generator (issue 4 owns it).
 */
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "tb-workload: not built yet\n");
	return 1;
}
