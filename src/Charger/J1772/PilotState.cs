namespace SmartElek.Charger.J1772;

/// <summary>The vehicle's side of the control pilot, SAE J1772 Table A1 (read from the pilot's high level).</summary>
public enum PilotState
{
    /// <summary>+12 V: no vehicle.</summary>
    A,
    /// <summary>+9 V: vehicle connected, not asking for energy.</summary>
    B,
    /// <summary>+6 V: vehicle asks for energy.</summary>
    C,
    /// <summary>+3 V: vehicle asks for energy and needs ventilation (refused by this product).</summary>
    D,
    /// <summary>0 V: pilot shorted to ground or no power.</summary>
    E,
    /// <summary>-12 V steady: EVSE not available.</summary>
    F,
}
