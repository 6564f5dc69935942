extension PolicyStore: LivePolicy {}
