// One headless Chromium at a time: the machine has two cores and the server under test shares them.
[assembly: NonParallelizable]
