// mmd runs on Linux only: Unix sockets, /proc, setsid, SO_PEERCRED.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
