// Every test here is pure (no actor system, no database, no process): all of them are in the fast subset (README).
[assembly: Xunit.AssemblyTrait("Speed", "Fast")]
