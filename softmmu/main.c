/*
 * main() of every mimic-system-* binary: the only file outside the common
 * library, so each binary links exactly the targets it serves.
 */
#include "qemu/osdep.h"
#include "sysemu/vl.h"

int main(int argc, char **argv)
{
    return vl_main(argc, argv);
}
