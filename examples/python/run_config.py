#!/usr/bin/python3
"""A `scidl train` config from Python: the model, optimizer and loss from the TOML file, its
data as arrays, and fit with the config's epochs and batch size as defaults.

    python3 examples/python/run_config.py [CONFIG]
"""
import os
import sys

import scidl

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    config = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "oscillator.toml")
    model = scidl.Model.from_config(config)
    x, y = scidl.load_run_data(config)
    model.summary()
    history = model.fit(x, y, validation_data=(x[-200:], y[-200:]), verbose=2)
    print("final loss:", history.history["loss"][-1])


if __name__ == "__main__":
    main()
