// SPDX-License-Identifier: Apache-2.0
// Explicit instantiations of every header-only driver over the real register bus. Nothing links
// against this object; building it is the check (see hal/CMakeLists.txt).
#include "portcullis/hal/cmsdk_uart.hpp"
#include "portcullis/hal/lan9118.hpp"
#include "portcullis/hal/mmio.hpp"
#include "portcullis/hal/pl011_uart.hpp"
#include "portcullis/hal/stellaris_adc_noise.hpp"
#include "portcullis/hal/stellaris_enet.hpp"
#include "portcullis/hal/stellaris_flash.hpp"
#include "portcullis/hal/systick_clock.hpp"

template class portcullis::hal::CmsdkUart<portcullis::hal::Mmio>;
template class portcullis::hal::Lan9118<portcullis::hal::Mmio>;
template class portcullis::hal::Pl011Uart<portcullis::hal::Mmio>;
template class portcullis::hal::StellarisAdcNoise<portcullis::hal::Mmio>;
template class portcullis::hal::StellarisEnet<portcullis::hal::Mmio>;
template class portcullis::hal::StellarisFlash<portcullis::hal::Mmio>;
template class portcullis::hal::SysTickClock<portcullis::hal::Mmio>;
