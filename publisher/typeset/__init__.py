"""Chinese typography: text normalisation, markup for spacing and compression, justification."""
