#pragma once
#include <map>
#include <string>
#include <vector>

std::map<std::string, int> count_words(const std::vector<std::string> &words);
