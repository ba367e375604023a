/* The parts of Wireshark's epan API the tcplens post-dissector uses. */
#include <ws_version.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/column-info.h>
#include <epan/tap.h>
#include <epan/prefs.h>
#include <epan/frame_data.h>
#include <epan/packet_info.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
