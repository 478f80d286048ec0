// "Shared" is the folder DESIGN.md names for what the venues share; nothing consumes this assembly from Visual Basic.
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
    Justification = "The folder DESIGN.md names; no Visual Basic consumer", Scope = "namespace", Target = "~N:Mmd.Exchanges.Shared")]
