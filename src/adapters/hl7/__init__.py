"""HL7 v2 over MLLP to and from the radiology / ultrasound department's system (RIS)."""
