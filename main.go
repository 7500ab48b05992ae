// coin is the member, subscription, billing and network information system
// of associative ISPs. See README.md.
package main

import (
	_ "time/tzdata" // the ISP's time zone works on systems without zoneinfo

	"coin/cli"
)

func main() { cli.Main() }
