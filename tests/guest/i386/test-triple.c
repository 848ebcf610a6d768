/* Triple fault: with no usable IDT every exception escalates (#GP -> #DF -> shutdown)
 * and the machine resets; the runner passes -no-reboot, so the emulator must exit
 * right there. Reaching the code after the fault is a failure. */
#include "lib.h"

int main(void)
{
    static const struct { uint16_t limit; uint32_t base; } __attribute__((packed))
        empty_idt = { 0, 0 };

    puts_("\nDONE\n");      /* printed first: nothing after the fault may run */
    __asm__ volatile("lidt %0; ud2" : : "m"(empty_idt));
    puts_("FAIL no shutdown after a triple fault\n");
    return 1;
}
