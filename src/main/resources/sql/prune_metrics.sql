DELETE FROM metrics WHERE recorded_at < :#TaskCutoff
