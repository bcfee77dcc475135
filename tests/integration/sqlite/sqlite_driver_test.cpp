#include "suite/suite.hpp"
