from autopilot.cli import main

raise SystemExit(main())
