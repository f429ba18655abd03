from sqlmon.cli import main

main()
