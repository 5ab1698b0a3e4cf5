"""The program: intake and plan versions, Today, exercise logs and current doses, check-ins,
planning from the library, the safety stop and episodes of care."""
